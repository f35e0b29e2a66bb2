//! `/audit`: the audit log, filtered by person, task, enterprise and date (a GET form, so
//! every filtered view has its own address and works without the WASM).

use crate::api::audit::{search_audit, AUDIT_PAGE_ROWS};
use crate::components::error_view::ErrorBox;
use crate::domain::audit::{action_label, AuditFilter};
use crate::domain::audit_words::{change_text, entity_label};
use crate::domain::auth::Role;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        AuditFilter {
            person: q.get("person").unwrap_or_default(),
            task_id: q.get("task").and_then(|t| t.trim().parse().ok()),
            enterprise: q.get("enterprise").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
        }
    };
    let data = Resource::new(filter, search_audit);
    let f = filter();
    view! {
        <Title text="留痕记录"/>
        <h1>"留痕记录"</h1>
        <p class="note">"每条记录都含上一条的 SHA-256，记录只能追加；可用 "<code>"shuangsui audit verify"</code>" 校验整条链。"</p>
        <form class="filters" method="get" action="/audit">
            <label class="field small"><span>"人员"</span><input name="person" value=f.person placeholder="账号或姓名"/></label>
            <label class="field small"><span>"任务编号"</span><input name="task" inputmode="numeric" value=f.task_id.map(|t| t.to_string()).unwrap_or_default()/></label>
            <label class="field"><span>"企业（统一社会信用代码）"</span><input name="enterprise" value=f.enterprise/></label>
            <label class="field small"><span>"起始日期"</span><input name="from" type="date" value=f.from/></label>
            <label class="field small"><span>"截止日期"</span><input name="to" type="date" value=f.to/></label>
            <div class="actions"><button type="submit">{labels::APPLY_FILTER}</button> <a href="/audit">"清除"</a></div>
        </form>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((rows, _)) if rows.is_empty() => view! { <p class="empty">"没有符合条件的记录。"</p> }.into_any(),
                    Ok((rows, total)) => view! {
                        <p data-testid="audit-count">{if total > AUDIT_PAGE_ROWS { format!("共 {total} 条，显示最新 {AUDIT_PAGE_ROWS} 条") } else { format!("共 {total} 条") }}</p>
                        <div class="table-wrap">
                            <table data-testid="audit" class="compact">
                                <thead><tr><th>"序号"</th><th>"时间"</th><th>"人员"</th><th>"角色"</th><th>"操作"</th><th>"对象"</th><th>"变更前 → 变更后"</th><th>"哈希"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{e.seq}</td>
                                            <td class="nowrap">{crate::domain::date::local_time(&e.at)}</td>
                                            <td>{if e.actor == "system" { "系统".to_string() } else { e.actor_name }}</td>
                                            <td>{Role::parse(&e.role).map(|r| r.label().to_string()).unwrap_or_else(|| if e.role == "system" { "系统".into() } else { e.role })}</td>
                                            <td>{action_label(&e.action).to_string()}</td>
                                            <td>{entity_label(&e.entity_type, &e.entity_id)}</td>
                                            <td class="diff">{change_text(e.before.as_deref(), e.after.as_deref())}</td>
                                            <td><code title=e.hash.clone()>{e.hash[..12].to_string()}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
