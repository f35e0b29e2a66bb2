//! 统计: a year's figures for the staff who may read them (`domain::access::stats_reach`).

use crate::domain::stats::{StatsFilter, StatsPage};
use crate::error::AppError;
use leptos::prelude::*;

/// The figures of `filter`, over the tasks the signed-in user reaches.
#[server(prefix = "/api", endpoint = "stats", input = server_fn::codec::Json)]
pub async fn get_stats(filter: StatsFilter) -> Result<StatsPage, AppError> {
    let user = crate::ssr::auth::user()?;
    let reach = crate::domain::access::stats_department(&user)
        .ok_or_else(|| AppError::Forbidden("统计与台账不对执法人员账号开放".into()))?;
    let db = crate::ssr::state::db()?;
    let (stats, _) = crate::ssr::db::stats::figures(&db, filter, &reach).await?;
    let departments = crate::ssr::db::stats::departments(&db).await?;
    let years = crate::ssr::db::stats::years(&db).await?;
    Ok(StatsPage { stats, departments, years })
}
