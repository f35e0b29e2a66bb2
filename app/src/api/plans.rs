//! Server functions for annual plans.

use crate::domain::plan::AnnualPlan;
use crate::error::AppError;
use leptos::prelude::*;

/// The plan of `year` (the newest plan's year when `None`) and every year that has one.
#[server(prefix = "/api", endpoint = "plan")]
pub async fn get_plan(year: Option<i32>) -> Result<PlanPage, AppError> {
    use crate::ssr::db::plans;
    let db = crate::ssr::db()?;
    let years = plans::plan_years(&db).await?;
    let Some(year) = year.or_else(|| years.first().copied()) else {
        return Ok(PlanPage { years, plan: None });
    };
    let plan = plans::plan_of_year(&db, year).await?;
    if plan.is_none() {
        return Err(AppError::NotFound(format!("没有 {year} 年度的抽查计划")));
    }
    Ok(PlanPage { years, plan })
}

/// What the plan page needs: the plan shown and the years to switch between.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanPage {
    pub years: Vec<i32>,
    pub plan: Option<AnnualPlan>,
}
