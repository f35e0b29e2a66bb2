//! `/plans/:year/import`: bring in a plan table (.xlsx) — a dry run first, listing every
//! rejected row by row and column, then apply all or nothing.

use crate::api::plans::import_plan_sheet;
use crate::components::confirm;
use crate::components::error_view::OnlyIf;
use crate::components::row_errors::RowErrors;
use crate::domain::import::ImportReport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The import page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || params.read().get("year").and_then(|y| y.parse::<i32>().ok()).unwrap_or(2023);
    let file = RwSignal::new(None::<(String, Vec<u8>)>);
    let run =
        Action::new(move |(bytes, apply): &(Vec<u8>, bool)| import_plan_sheet(year(), bytes.clone(), *apply));
    let report = move || run.value().get();
    let can_apply = move || matches!(report(), Some(Ok(ImportReport { applied: false, ref rejected, .. })) if rejected.is_empty());
    let check = move |_| {
        if let Some((_, bytes)) = file.get_untracked() {
            run.dispatch((bytes, false));
        }
    };
    let apply = move |_| {
        if confirm("确认导入？导入将一次性写入全部行，不能部分撤销。") {
            if let Some((_, bytes)) = file.get_untracked() {
                run.dispatch((bytes, true));
            }
        }
    };
    let allowed = Resource::new(|| (), |_| super::may_edit_plans());
    view! {
        <OnlyIf allowed>
        <Title text="导入计划表"/>
        <h1>{move || format!("导入 {} 年度计划表", year())}</h1>
        <p class="lead">"选择与附件2格式相同的 Excel 文件（.xlsx）。先预检：显示将新增、更新多少项任务，并逐行列出有问题的单元格；全部无误后才能导入，导入一次性完成。"</p>
        <p><a rel="external" href=move || format!("/plans/{}/export.xlsx", year())>"下载当前计划表作为模板"</a></p>
        <div class="actions">
            <label class="file">"计划表文件 "
                <input type="file" data-testid="sheet-file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |ev| read_file(ev, file)/>
            </label>
            <button type="button" data-testid="dry-run" disabled=move || file.with(|f| f.is_none()) || run.pending().get() on:click=check>"预检（不写入）"</button>
            <button type="button" data-testid="apply" disabled=move || !can_apply() || run.pending().get() on:click=apply>"确认导入"</button>
        </div>
        <section aria-live="polite" data-testid="import-report">
            {move || report().map(|r| match r {
                Ok(r) => view! { <ReportView r/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
        </OnlyIf>
    }
}

#[allow(unused_variables)]
fn read_file(ev: leptos::ev::Event, file: RwSignal<Option<(String, Vec<u8>)>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(f) = input.files().and_then(|l| l.get(0)) else {
            file.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            if let Ok(buf) = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                file.set(Some((f.name(), js_sys::Uint8Array::new(&buf).to_vec())));
            }
        });
    }
}

#[component]
fn ReportView(r: ImportReport) -> impl IntoView {
    let summary = if r.applied {
        format!("已导入：新增 {} 项，更新 {} 项。", r.added, r.updated)
    } else if r.rejected.is_empty() {
        format!("预检通过：将新增 {} 项，更新 {} 项。确认后导入。", r.added, r.updated)
    } else {
        format!(
            "有 {} 处问题，未写入任何数据。将新增 {} 项、更新 {} 项（改正后）。",
            r.rejected.len(),
            r.added,
            r.updated
        )
    };
    let class = if r.rejected.is_empty() { "verdict good" } else { "verdict bad" };
    view! {
        <p class=class data-testid="import-summary">{summary}</p>
        {(!r.rejected.is_empty()).then(|| view! { <RowErrors errors=r.rejected.clone()/> })}
    }
}
