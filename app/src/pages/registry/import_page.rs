//! `/registry/import?kind=…`: bring in a registry file (.xlsx or .csv, UTF-8 or GBK) — a
//! dry run first that lists every rejected row by row and column, then apply all or nothing.

use crate::components::confirm;
use crate::components::error_view::OnlyIf;
use crate::components::row_errors::RowErrors;
use crate::domain::registry::{too_large_message, RegistryImportReport, RegistryKind, WEB_IMPORT_MAX_BYTES};
use crate::error::AppError;
use leptos::html::Input;
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
    let input = NodeRef::<Input>::new();
    // The server's configured limit (the built-in one until it has answered).
    let limit = Resource::new(|| (), |_| crate::api::registry::import_limit());
    let max = move || limit.get().and_then(Result::ok).unwrap_or(WEB_IMPORT_MAX_BYTES);
    // The chosen file's size in bytes; a file over the limit is refused before it is sent.
    let chosen = RwSignal::new(None::<f64>);
    let too_large = move || {
        let max = max();
        chosen.get().filter(|&n| n > max as f64).map(|n| too_large_message(n as usize, max))
    };
    // The browser sends the file itself as a form: it is never copied into the page.
    let run = Action::new_local(move |apply: &bool| upload(input, kind(), *apply));
    let report = move || run.value().get();
    let can_apply =
        move || matches!(report(), Some(Ok(ref r)) if !r.report.applied && r.report.rejected.is_empty());
    let go = move |apply: bool| {
        if apply && !confirm("确认导入？将在一次操作中写入全部行，不能部分撤销。") {
            return;
        }
        run.dispatch_local(apply);
    };
    let unsendable = move || chosen.get().is_none() || too_large().is_some() || run.pending().get();
    let allowed = Resource::new(|| (), |_| async { crate::api::registry::import_limit().await.map(|_| ()) });
    view! {
        <OnlyIf allowed>
        <Title text="导入名录"/>
        <h1>{move || format!("导入{}", kind().label())}</h1>
        <nav class="toolbar">
            {RegistryKind::ALL.iter().map(|k| view! { <a href=format!("/registry/import?kind={}", k.code())>{k.label()}</a>" " }).collect_view()}
        </nav>
        <Suspense fallback=|| ()>
            <p class="lead">{move || format!(
                "选择 Excel（.xlsx）或 CSV 文件（UTF-8 或 GBK 编码），表头应包含：{}。先预检：显示将新增、更新多少条，并逐行列出有问题的单元格；全部无误后才能导入，导入一次完成。超过 {} MB 的文件请用命令行 shuangsui import。",
                kind().columns().join("、"),
                max() >> 20
            )}</p>
        </Suspense>
        <p><a rel="external" href=move || format!("/registry/export/{}.xlsx", kind().code())>"下载当前名录作为模板"</a></p>
        <div class="actions">
            <label class="file">"文件 "
                <input type="file" data-testid="registry-file" accept=".xlsx,.csv" node_ref=input on:change=move |_| {
                    chosen.set(file_size(input));
                    // Another file needs its own dry run before it can be applied.
                    run.value().set(None);
                }/>
            </label>
            <button type="button" data-testid="dry-run" disabled=unsendable on:click=move |_| go(false)>"预检（不写入）"</button>
            <button type="button" data-testid="apply" disabled=move || !can_apply() || unsendable() on:click=move |_| go(true)>"确认导入"</button>
        </div>
        <section aria-live="polite" data-testid="import-report">
            {move || too_large().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || report().map(|r| match r {
                Ok(r) => view! { <Report r/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
        </OnlyIf>
    }
    .into_any()
}

/// The size of the file chosen in `input`, if any.
#[allow(unused_variables)]
fn file_size(input: NodeRef<Input>) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        input.get_untracked()?.files()?.get(0).map(|f| f.size())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Sends the chosen file with `kind` and `apply` as the import's multipart form.
#[allow(unused_variables)]
async fn upload(
    input: NodeRef<Input>,
    kind: RegistryKind,
    apply: bool,
) -> Result<RegistryImportReport, AppError> {
    let none_chosen = || AppError::invalid("文件", "请先选择文件");
    #[cfg(feature = "hydrate")]
    {
        use crate::api::registry::import_registry;
        let file =
            input.get_untracked().and_then(|i| i.files()).and_then(|l| l.get(0)).ok_or_else(none_chosen)?;
        let form = web_sys::FormData::new().map_err(|_| none_chosen())?;
        let filled = form
            .append_with_str("kind", kind.code())
            .and_then(|()| form.append_with_str("apply", if apply { "true" } else { "false" }))
            .and_then(|()| form.append_with_blob_and_filename("file", &file, &file.name()));
        filled.map_err(|_| none_chosen())?;
        import_registry(form.into()).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // Only the browser sends a file.
        Err(none_chosen())
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
        // The counts are of the rows without problems: a row with a problem is counted
        // nowhere until it is corrected (it may add a record or update one).
        let mut rows: Vec<usize> = report.rejected.iter().map(|e| e.row).collect();
        rows.sort_unstable();
        rows.dedup();
        format!(
            "有 {} 处问题（{} 行），未写入任何数据。其余各行将{counts}；有问题的 {} 行改正后另计。",
            report.rejected.len(),
            rows.len(),
            rows.len()
        )
    };
    let class = if report.rejected.is_empty() { "verdict good" } else { "verdict bad" };
    view! {
        <p class=class data-testid="import-summary">{summary}</p>
        {(!report.rejected.is_empty()).then(|| view! { <RowErrors errors=report.rejected/> })}
    }
}
