//! `/registry/import?kind=…`: bring in a registry file (.xlsx or .csv, UTF-8 or GBK) — a
//! dry run first that lists every rejected row by row and column, then apply all or nothing.

use crate::api::registry::import_registry;
use crate::components::confirm;
use crate::domain::registry::{RegistryImportReport, RegistryKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The registry import page.
#[component]
pub fn RegistryImportPage() -> impl IntoView {
    let query = use_query_map();
    let kind = move || {
        query.read().get("kind").and_then(|k| RegistryKind::parse(&k)).unwrap_or(RegistryKind::Enterprises)
    };
    let file = RwSignal::new(None::<Vec<u8>>);
    let run = Action::new(move |(bytes, apply): &(Vec<u8>, bool)| {
        import_registry(kind().code().to_owned(), bytes.clone(), *apply)
    });
    let report = move || run.value().get();
    let can_apply =
        move || matches!(report(), Some(Ok(ref r)) if !r.report.applied && r.report.rejected.is_empty());
    let go = move |apply: bool| {
        if apply && !confirm("确认导入？将在一次操作中写入全部行，不能部分撤销。") {
            return;
        }
        if let Some(bytes) = file.get_untracked() {
            run.dispatch((bytes, apply));
        }
    };
    view! {
        <Title text="导入名录"/>
        <h1>{move || format!("导入{}", kind().label())}</h1>
        <nav class="toolbar">
            {RegistryKind::ALL.iter().map(|k| view! { <a href=format!("/registry/import?kind={}", k.code())>{k.label()}</a>" " }).collect_view()}
        </nav>
        <p class="lead">{move || format!(
            "选择 Excel（.xlsx）或 CSV 文件（UTF-8 或 GBK 编码），表头应包含：{}。先预检：显示将新增、更新多少条，并逐行列出有问题的单元格；全部无误后才能导入，导入一次完成。超过 10 MB 的文件请用命令行 shuangsui import。",
            kind().columns().join("、")
        )}</p>
        <p><a href=move || format!("/registry/export/{}.xlsx", kind().code())>"下载当前名录作为模板"</a></p>
        <div class="actions">
            <label class="file">"文件 "
                <input type="file" data-testid="registry-file" accept=".xlsx,.csv" on:change=move |ev| read_file(ev, file)/>
            </label>
            <button type="button" data-testid="dry-run" disabled=move || file.with(|f| f.is_none()) || run.pending().get() on:click=move |_| go(false)>"预检（不写入）"</button>
            <button type="button" data-testid="apply" disabled=move || !can_apply() || run.pending().get() on:click=move |_| go(true)>"确认导入"</button>
        </div>
        <section aria-live="polite" data-testid="import-report">
            {move || report().map(|r| match r {
                Ok(r) => view! { <Report r/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

#[allow(unused_variables)]
fn read_file(ev: leptos::ev::Event, file: RwSignal<Option<Vec<u8>>>) {
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
                file.set(Some(js_sys::Uint8Array::new(&buf).to_vec()));
            }
        });
    }
}

#[component]
fn Report(r: RegistryImportReport) -> impl IntoView {
    let RegistryImportReport { report, unchanged } = r;
    let counts = format!("新增 {} 条，更新 {} 条，未变 {unchanged} 条", report.added, report.updated);
    let summary = if report.applied {
        format!("已导入：{counts}。")
    } else if report.rejected.is_empty() {
        format!("预检通过：将{counts}。确认后导入。")
    } else {
        format!("有 {} 处问题，未写入任何数据（改正后将{counts}）。", report.rejected.len())
    };
    let class = if report.rejected.is_empty() { "verdict good" } else { "verdict bad" };
    view! {
        <p class=class data-testid="import-summary">{summary}</p>
        {(!report.rejected.is_empty()).then(|| view! {
            <table class="compact" data-testid="import-errors">
                <thead><tr><th>"行"</th><th>"列"</th><th>"问题"</th></tr></thead>
                <tbody>
                    {report.rejected.into_iter().map(|e| view! { <tr><td>{e.row}</td><td>{e.column}</td><td>{e.message}</td></tr> }).collect_view()}
                </tbody>
            </table>
        })}
    }
}
