//! Server functions for draws.

use crate::error::AppError;
use leptos::prelude::*;

/// The stored manifest of a completed draw, exactly as `shuangsui verify` reads it:
/// for anyone when its pool has one stratum, else for signed-in users only (the strata
/// are the enterprises' risk classes).
#[server(prefix = "/api", endpoint = "manifest")]
pub async fn get_manifest(draw_id: i64) -> Result<String, AppError> {
    let db = crate::ssr::db()?;
    let signed_in = crate::ssr::auth::current_user().is_some();
    crate::portal::data::manifest(&db, draw_id, signed_in).await
}
