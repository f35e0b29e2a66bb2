//! Server functions of the live draw ceremony and its public live view.

use crate::domain::ceremony::{CeremonyView, LiveState};
use crate::error::AppError;
use leptos::prelude::*;

/// This site's public address, as configured (`--site-url`), for the QR codes: never the
/// request's `Host`, which whoever sends the request chooses.
#[cfg(feature = "ssr")]
fn origin() -> String {
    crate::ssr::state::settings().map(|s| s.public_base().to_string()).unwrap_or_default()
}

/// The ceremony screen of a task (staff).
#[server(prefix = "/api", endpoint = "ceremony")]
pub async fn get_ceremony(task_id: i64) -> Result<CeremonyView, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let mut view = crate::ssr::db::ceremony::view(&db, task_id, &user, &origin()).await?;
    view.live_qr = crate::ssr::files::qr::svg(&view.live_url);
    view.verify_qr = view.verify_url.as_deref().map(crate::ssr::files::qr::svg);
    Ok(view)
}

/// Moves the ceremony one step forward. Step 3 draws with `entropy`, the text as the
/// room's screen shows it (empty: the text stored while typing).
#[server(prefix = "/api", endpoint = "ceremony_step")]
pub async fn ceremony_step(
    task_id: i64,
    to: u8,
    place: String,
    entropy: String,
) -> Result<LiveState, AppError> {
    let user = crate::ssr::auth::user()?;
    let (db, hub) = (crate::ssr::state::db()?, crate::ssr::state::hub()?);
    let state = crate::ssr::db::ceremony::advance(&db, task_id, to, &place, &entropy, &user).await?;
    hub.publish(state.clone());
    Ok(state)
}

/// Records the 纪检 observers invited and present (the clerk running the ceremony).
#[server(prefix = "/api", endpoint = "ceremony_observers")]
pub async fn set_observers(task_id: i64, invited: String, present: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::ceremony::set_observers(&db, task_id, &invited, &present, &user).await
}

/// The entropy as typed so far.
#[server(prefix = "/api", endpoint = "ceremony_entropy")]
pub async fn ceremony_entropy(task_id: i64, text: String) -> Result<LiveState, AppError> {
    let user = crate::ssr::auth::user()?;
    let (db, hub) = (crate::ssr::state::db()?, crate::ssr::state::hub()?);
    let state = crate::ssr::db::ceremony::type_entropy(&db, task_id, &text, &user).await?;
    hub.publish(state.clone());
    Ok(state)
}
