//! The running server's shared state, and what a request or server function reads of it.

use leptos::prelude::LeptosOptions;
use sqlx::AnyPool;

/// Shared state of the running server, provided to every server function as context.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: AnyPool,
    /// Ceremony states, broadcast to observers' live streams.
    pub live: super::live::Hub,
    /// The published results the portal searches, held in memory.
    pub results: crate::portal::search::ResultsCache,
    /// The site's configured address and trusted proxies.
    pub settings: std::sync::Arc<super::net::settings::Settings>,
}

/// The live hub of the current request's server.
pub fn hub() -> Result<super::live::Hub, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.live)
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}

/// The network settings of the current request's server.
pub fn settings() -> Result<std::sync::Arc<super::net::settings::Settings>, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.settings)
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}

/// The database of the current request's server.
pub fn db() -> Result<AnyPool, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.db)
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}
