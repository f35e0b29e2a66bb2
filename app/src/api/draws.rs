//! Server functions for draws.

use crate::error::AppError;
use leptos::prelude::*;

/// The stored manifest of a completed draw, exactly as `shuangsui verify` reads it.
#[server(prefix = "/api", endpoint = "manifest")]
pub async fn get_manifest(draw_id: i64) -> Result<String, AppError> {
    let db = crate::ssr::db()?;
    crate::ssr::db::draws::manifest(&db, draw_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("第 {draw_id} 号抽取尚未完成或不存在")))
}
