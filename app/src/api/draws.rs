//! Server functions for draws.

use crate::error::AppError;
use leptos::prelude::*;

/// The stored manifest of a completed draw, exactly as `shuangsui verify` reads it:
/// for anyone when its pool has one stratum, else for those whose role reaches the task
/// (the strata are the enterprises' risk classes; see `domain::access`).
#[server(prefix = "/api", endpoint = "manifest")]
pub async fn get_manifest(draw_id: i64) -> Result<String, AppError> {
    let db = crate::ssr::state::db()?;
    let user = crate::ssr::auth::current_user();
    crate::portal::data::manifest(&db, draw_id, user.as_ref()).await
}

/// The salt of each stratum of a stratified draw, for those who may read its manifest:
/// with both, anyone can recompute the stratum digests the portal publishes
/// (`H(salt + "\n" + the stratum's lines)`, docs/verify.md).
#[server(prefix = "/api", endpoint = "stratum_salts")]
pub async fn get_stratum_salts(draw_id: i64) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    // The same rule as the manifest's: refused unless the user may read the manifest.
    crate::portal::data::manifest(&db, draw_id, Some(&user)).await?;
    Ok(crate::ssr::db::draws::stratum_salts(&db, draw_id).await?.unwrap_or_default())
}
