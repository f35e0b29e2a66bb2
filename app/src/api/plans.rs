//! Server functions for annual plans.

use crate::domain::plan::AnnualPlan;
use crate::error::AppError;
use leptos::prelude::*;

/// The plan of `year` (the newest plan's year when `None`) and every year that has one.
#[server(prefix = "/api", endpoint = "plan")]
pub async fn get_plan(year: Option<i32>) -> Result<PlanPage, AppError> {
    use crate::ssr::db::plans;
    let user = crate::ssr::auth::user()?;
    // Only a clerk adds tasks, imports a table or edits a plan (the server refuses others).
    let can_edit = user.role == crate::domain::auth::Role::Clerk;
    let db = crate::ssr::state::db()?;
    let years = plans::plan_years(&db).await?;
    let Some(year) = year.or_else(|| years.first().copied()) else {
        return Ok(PlanPage { years, plan: None, can_edit });
    };
    let plan = plans::plan_of_year(&db, year).await?;
    if plan.is_none() {
        return Err(AppError::NotFound(format!("没有 {year} 年度的抽查计划")));
    }
    Ok(PlanPage { years, plan, can_edit })
}

/// What the plan page needs: the plan shown and the years to switch between.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanPage {
    pub years: Vec<i32>,
    pub plan: Option<AnnualPlan>,
    /// Whether the signed-in user may add tasks, import a table and edit plans.
    pub can_edit: bool,
}

/// The largest plan sheet accepted: a plan table is a few kilobytes.
pub const MAX_SHEET_BYTES: usize = 512 * 1024;

/// Imports a plan table (.xlsx) into `year`'s plan: a dry run unless `apply`; applied
/// all or nothing.
#[server(prefix = "/api", endpoint = "import_plan", input = server_fn::codec::Json)]
pub async fn import_plan_sheet(
    year: i32,
    file: Vec<u8>,
    apply: bool,
) -> Result<crate::domain::import::ImportReport, AppError> {
    let user = crate::ssr::auth::require(&[crate::domain::auth::Role::Clerk])?;
    if file.len() > MAX_SHEET_BYTES {
        return Err(AppError::invalid(
            "文件",
            format!("文件过大（{} KB），计划表不应超过 512 KB", file.len() / 1024),
        ));
    }
    let db = crate::ssr::state::db()?;
    // A departmental account without a department (never made so) may change nothing.
    let only_department = user.role.is_departmental().then(|| user.department_id.as_deref().unwrap_or(""));
    let sheet = crate::ssr::files::plan_sheet::read_sheet(&file)?;
    crate::ssr::db::plan_import::import_plan(&db, year, &sheet, apply, user.actor(), only_department).await
}

/// Creates or edits the annual plan of `year` (title and 备注).
#[server(prefix = "/api", endpoint = "save_plan")]
pub async fn save_plan(year: i32, title: String, remarks: String) -> Result<i64, AppError> {
    let user = crate::ssr::auth::require(&[crate::domain::auth::Role::Clerk])?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::plans::save_plan(&db, year, &title, &remarks, user.actor()).await
}

/// One page (50 rows) of a task's pool, with the total.
#[server(prefix = "/api", endpoint = "pool_page")]
pub async fn get_pool_page(task_id: i64, page: u32) -> Result<PoolPage, AppError> {
    crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let (rows, total) = crate::ssr::db::pool::pool_page(&db, task_id, page.max(1), POOL_PAGE_SIZE).await?;
    let draw_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM draws WHERE task_id = $1 AND abandoned_at IS NULL")
            .bind(task_id)
            .fetch_optional(&db)
            .await?;
    let excluded = match draw_id {
        Some(id) => crate::ssr::db::watchlist::excluded_of_draw(&db, id).await?,
        None => Vec::new(),
    };
    Ok(PoolPage { rows, total, page: page.max(1), excluded })
}

/// Rows per page of a pool list.
pub const POOL_PAGE_SIZE: u32 = 50;

/// A page of a task's pool: (credit code, name, region, filed on).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PoolPage {
    pub rows: Vec<(String, String, String, String)>,
    pub total: i64,
    pub page: u32,
    /// Those the freeze left out (inspected lately for the same item): (code, name, reason).
    #[serde(default)]
    pub excluded: Vec<(String, String, String)>,
}
