//! 后续处置: the follow-ups of published results, recorded and finished by the office.

use crate::domain::follow_up::{FollowUp, FollowUpUpdate};
use crate::error::AppError;
use leptos::prelude::*;

/// The follow-ups the signed-in user may read, the open ones first.
#[server(prefix = "/api", endpoint = "follow_ups")]
pub async fn get_follow_ups() -> Result<Vec<FollowUp>, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::follow_ups::list(&db, &user).await
}

/// Records a follow-up's progress, or finishes it (`finish`).
#[server(prefix = "/api", endpoint = "save_follow_up", input = server_fn::codec::Json)]
pub async fn save_follow_up(update: FollowUpUpdate) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::follow_ups::update(&db, &update, &user).await
}
