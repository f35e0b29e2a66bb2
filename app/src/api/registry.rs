//! Server functions of 一单两库: the enterprise and inspector registries, the item list,
//! their import, and conflict declarations. Reads for any signed-in user; writes for
//! 经办人 and 管理员; an 执法人员 may declare and withdraw their own conflicts.

use crate::domain::inspector::Department;
use crate::domain::registry::{
    Conflict, EnterpriseQuery, EnterpriseRow, InspectorRow, ItemRow, ListQuery, RegistryImportReport,
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const EDITORS: [crate::domain::auth::Role; 2] =
    [crate::domain::auth::Role::Clerk, crate::domain::auth::Role::Admin];

/// Whether the signed-in user may change the registries (so pages show the buttons).
#[cfg(feature = "ssr")]
fn can_edit(user: &crate::domain::auth::SessionUser) -> bool {
    EDITORS.contains(&user.role)
}

/// A page of the enterprise table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnterprisePage {
    pub rows: Vec<EnterpriseRow>,
    /// Matches, counted up to a cap (then `capped`, and `total` is the cap).
    pub total: i64,
    pub capped: bool,
    /// Division code and name of every region.
    pub regions: Vec<(String, String)>,
    pub can_edit: bool,
}

/// One page of the enterprise registry, filtered and sorted.
#[server(prefix = "/api", endpoint = "registry/enterprises", input = server_fn::codec::Json)]
pub async fn list_enterprises(query: EnterpriseQuery) -> Result<EnterprisePage, AppError> {
    let mut query = query;
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let mut conn = db.acquire().await?;
    let hide_risk = !crate::domain::access::sees_risk_classes(user.role);
    if hide_risk {
        // Not even as a filter: counting a class would tell it.
        query.risk.clear();
    }
    let (mut rows, total, cap) = crate::ssr::db::enterprises::page(&mut conn, &query).await?;
    if hide_risk {
        rows.iter_mut().for_each(|r| r.record.risk_class.clear());
    }
    let lookups = crate::ssr::db::registry::lookups(&mut conn).await?;
    Ok(EnterprisePage {
        rows,
        total: total.min(cap),
        capped: total > cap,
        regions: lookups.regions,
        can_edit: can_edit(&user),
    })
}

/// An enterprise, its open and withdrawn conflicts, and how often it has been drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseDetail {
    pub row: EnterpriseRow,
    pub region_name: String,
    pub conflicts: Vec<Conflict>,
    /// Draws that selected it.
    pub drawn: i64,
    pub regions: Vec<(String, String)>,
    pub can_edit: bool,
}

/// One enterprise.
#[server(prefix = "/api", endpoint = "registry/enterprise")]
pub async fn get_enterprise(id: i64) -> Result<EnterpriseDetail, AppError> {
    use crate::ssr::db::conflicts::{list, ConflictFilter};
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let mut conn = db.acquire().await?;
    let mut row = crate::ssr::db::enterprises::get(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("名录库中没有编号为 {id} 的市场主体")))?;
    if !crate::domain::access::sees_risk_classes(user.role) {
        row.record.risk_class.clear();
    }
    let drawn = crate::ssr::db::registry::times_drawn(&mut conn, id).await?;
    let regions = crate::ssr::db::registry::lookups(&mut conn).await?.regions;
    drop(conn);
    let filter = ConflictFilter { enterprise_id: Some(id), include_withdrawn: true, ..Default::default() };
    let conflicts = list(&db, &filter.visible_to(&user)).await?;
    let region_name = regions
        .iter()
        .find(|(c, _)| *c == row.record.region_code)
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    Ok(EnterpriseDetail { row, region_name, conflicts, drawn, regions, can_edit: can_edit(&user) })
}

/// Creates (`id` = `None`) or edits a record of `kind` (`enterprises`, `inspectors`,
/// `items`) from its cells in the file column order; returns its id.
#[server(prefix = "/api", endpoint = "registry/save", input = server_fn::codec::Json)]
pub async fn save_record(kind: String, id: Option<i64>, cells: Vec<String>) -> Result<i64, AppError> {
    let user = crate::ssr::auth::require(&EDITORS)?;
    let kind = kind_of(&kind)?;
    let db = crate::ssr::state::db()?;
    crate::ssr::registry::edit::save(&db, kind, id, &cells, user.actor()).await
}

/// Takes a record out of use (enterprise: 注销; inspector or item: 停用) or back in.
#[server(prefix = "/api", endpoint = "registry/active")]
pub async fn set_record_active(kind: String, id: i64, active: bool) -> Result<(), AppError> {
    let user = crate::ssr::auth::require(&EDITORS)?;
    let kind = kind_of(&kind)?;
    let db = crate::ssr::state::db()?;
    crate::ssr::registry::edit::set_active(&db, kind, id, active, user.actor()).await
}

#[cfg(feature = "ssr")]
fn kind_of(text: &str) -> Result<crate::domain::registry::RegistryKind, AppError> {
    crate::domain::registry::RegistryKind::parse(text)
        .ok_or_else(|| AppError::invalid("kind", "应为 enterprises、inspectors 或 items"))
}

/// A page of the inspector or item table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub departments: Vec<Department>,
    pub can_edit: bool,
}

#[cfg(feature = "ssr")]
async fn departments(db: &sqlx::AnyPool) -> Result<Vec<Department>, AppError> {
    crate::ssr::db::accounts::departments(db).await
}

/// One page of the inspector registry.
#[server(prefix = "/api", endpoint = "registry/inspectors", input = server_fn::codec::Json)]
pub async fn list_inspectors(query: ListQuery) -> Result<ListPage<InspectorRow>, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let (rows, total) = crate::ssr::db::inspectors::page(&mut *db.acquire().await?, &query).await?;
    Ok(ListPage { rows, total, departments: departments(&db).await?, can_edit: can_edit(&user) })
}

/// An inspector and their conflicts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectorDetail {
    pub row: InspectorRow,
    pub conflicts: Vec<Conflict>,
    pub departments: Vec<Department>,
    pub can_edit: bool,
}

/// One inspector.
#[server(prefix = "/api", endpoint = "registry/inspector")]
pub async fn get_inspector(id: i64) -> Result<InspectorDetail, AppError> {
    use crate::ssr::db::conflicts::{list, ConflictFilter};
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let row = crate::ssr::db::inspectors::get(&mut *db.acquire().await?, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("名录库中没有编号为 {id} 的执法人员")))?;
    let filter = ConflictFilter { inspector_id: Some(id), include_withdrawn: true, ..Default::default() };
    let conflicts = list(&db, &filter.visible_to(&user)).await?;
    Ok(InspectorDetail { row, conflicts, departments: departments(&db).await?, can_edit: can_edit(&user) })
}

/// One page of the inspection-item list.
#[server(prefix = "/api", endpoint = "registry/items", input = server_fn::codec::Json)]
pub async fn list_items(query: ListQuery) -> Result<ListPage<ItemRow>, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let (rows, total) = crate::ssr::db::items::page(&mut *db.acquire().await?, &query).await?;
    Ok(ListPage { rows, total, departments: departments(&db).await?, can_edit: can_edit(&user) })
}

/// Each item's reach in `year` (the latest plan year with a draw when not given) against
/// its 抽查覆盖率: (year, items).
#[server(prefix = "/api", endpoint = "registry/item_coverage")]
pub async fn item_coverage(
    year: Option<i32>,
) -> Result<(i32, Vec<crate::domain::watch::ItemCoverage>), AppError> {
    crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let mut conn = db.acquire().await?;
    let year = match year {
        Some(y) => y,
        None => {
            let latest: Option<i64> = sqlx::query_scalar(
                "SELECT max(t.window_year) FROM tasks t JOIN draws d ON d.task_id = t.id WHERE d.abandoned_at IS NULL",
            )
            .fetch_one(&mut *conn)
            .await?;
            latest.map_or_else(
                || {
                    crate::domain::date::beijing_date(&crate::ssr::clock::now_utc())[..4]
                        .parse()
                        .unwrap_or(2023)
                },
                |y| y as i32,
            )
        }
    };
    Ok((year, crate::ssr::db::items::coverage(&mut conn, year).await?))
}

/// One inspection item.
#[server(prefix = "/api", endpoint = "registry/item")]
pub async fn get_item(id: i64) -> Result<(ItemRow, Vec<Department>, bool), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let row = crate::ssr::db::items::get(&mut *db.acquire().await?, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的抽查事项")))?;
    Ok((row, departments(&db).await?, can_edit(&user)))
}

/// Imports a registry file (.xlsx or .csv) sent as a multipart form, as a browser sends a
/// chosen file: `kind`, `apply` (`true` or not) and `file`, at most the configured
/// `registry_import_max` ([`WEB_IMPORT_MAX_BYTES`](crate::domain::registry::WEB_IMPORT_MAX_BYTES)
/// by default). A dry run unless `apply`; all or nothing.
#[server(prefix = "/api", endpoint = "registry/import", input = server_fn::codec::MultipartFormData)]
pub async fn import_registry(
    form: server_fn::codec::MultipartData,
) -> Result<RegistryImportReport, AppError> {
    use crate::ssr::registry::import::{import, read_upload};
    // Who may import is settled before a byte of the file is read.
    let user = crate::ssr::auth::require(&EDITORS)?;
    let max = crate::ssr::state::policy().registry_import_max_bytes;
    let declared = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok());
    let form = form.into_inner().ok_or_else(|| AppError::internal("multipart form without a body"))?;
    let upload = read_upload(form, declared, max).await?;
    let kind = kind_of(&upload.kind)?;
    let db = crate::ssr::state::db()?;
    import(&db, kind, &upload.file, max, upload.apply, user.actor()).await
}

/// The largest file [`import_registry`] takes, as this server is configured (the import
/// page checks a chosen file against it before sending it).
#[server(prefix = "/api", endpoint = "registry/import_limit")]
pub async fn import_limit() -> Result<usize, AppError> {
    crate::ssr::auth::require(&EDITORS)?;
    Ok(crate::ssr::state::policy().registry_import_max_bytes)
}

/// The conflicts list: open ones (and withdrawn ones when asked), newest first, and the
/// inspectors a declaration can name (an 执法人员 sees only themselves there).
#[server(prefix = "/api", endpoint = "registry/conflicts")]
pub async fn list_conflicts(include_withdrawn: bool) -> Result<ConflictsPage, AppError> {
    use crate::domain::auth::Role;
    use crate::ssr::db::conflicts::{list, ConflictFilter};
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let filter = ConflictFilter { include_withdrawn, ..Default::default() };
    let conflicts = list(&db, &filter.visible_to(&user)).await?;
    let own = (user.role == Role::Inspector).then_some(user.inspector_id).flatten();
    let inspectors = match user.role {
        Role::Admin => crate::ssr::db::registry::declarable_inspectors(&db, None, None).await?,
        Role::Clerk => {
            let dept = user.department_id.clone().unwrap_or_default();
            crate::ssr::db::registry::declarable_inspectors(&db, Some(&dept), None).await?
        }
        _ => match own {
            Some(id) => crate::ssr::db::registry::declarable_inspectors(&db, None, Some(id)).await?,
            None => Vec::new(),
        },
    };
    Ok(ConflictsPage { conflicts, inspectors, own_inspector: own, can_edit: can_edit(&user) })
}

/// What the conflicts page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictsPage {
    pub conflicts: Vec<Conflict>,
    /// Who a declaration may name: (inspector id, name and certificate).
    pub inspectors: Vec<(i64, String)>,
    /// The signed-in 执法人员's own inspector id.
    pub own_inspector: Option<i64>,
    pub can_edit: bool,
}

/// The signed-in user, if they may act on `inspector_id`'s conflicts: the administrator,
/// a 经办人 of that inspector's department, or that inspector themselves (the same reach
/// as reading them, `domain::access::conflicts_reach`).
#[cfg(feature = "ssr")]
async fn may_act_for(inspector_id: i64) -> Result<crate::domain::auth::SessionUser, AppError> {
    use crate::domain::auth::Role;
    let user = crate::ssr::auth::user()?;
    let allowed = match user.role {
        Role::Admin => true,
        Role::Clerk => {
            let dept =
                crate::ssr::db::inspectors::department_of(&crate::ssr::state::db()?, inspector_id).await?;
            dept.is_some() && dept == user.department_id
        }
        Role::Inspector => user.inspector_id == Some(inspector_id),
        _ => false,
    };
    if allowed {
        Ok(user)
    } else {
        Err(AppError::Forbidden("回避须由本人（执法人员）、本部门经办人或管理员申报和撤回".into()))
    }
}

/// Declares a conflict of interest; returns its id.
#[server(prefix = "/api", endpoint = "registry/declare_conflict")]
pub async fn declare_conflict(
    inspector_id: i64,
    credit_code: String,
    reason: String,
    note: String,
) -> Result<i64, AppError> {
    let user = may_act_for(inspector_id).await?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::conflicts::declare(&db, inspector_id, &credit_code, &reason, &note, user.actor()).await
}

/// Withdraws an open conflict.
#[server(prefix = "/api", endpoint = "registry/withdraw_conflict")]
pub async fn withdraw_conflict(id: i64) -> Result<(), AppError> {
    crate::ssr::auth::require_rule(
        crate::domain::endpoints::conflict_declarers,
        "回避须由本人（执法人员）、本部门经办人或管理员申报和撤回",
    )?;
    let db = crate::ssr::state::db()?;
    let inspector = crate::ssr::db::conflicts::inspector_of(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这条回避申报".into()))?;
    let user = may_act_for(inspector).await?;
    crate::ssr::db::conflicts::withdraw(&db, id, user.actor()).await
}
