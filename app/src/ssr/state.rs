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
    /// Session lifetimes and the web import's limit, as configured.
    pub policy: std::sync::Arc<Policy>,
}

/// What the bureau's configuration sets for the application itself (the network's part is
/// [`Settings`](super::net::settings::Settings)); the defaults are the built-in values.
#[derive(Clone, Debug)]
pub struct Policy {
    /// A session ends after this long without a request.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute_secs: i64,
    /// The largest file the web registry import takes.
    pub registry_import_max_bytes: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            session_idle_secs: super::auth::IDLE_SECS,
            session_absolute_secs: super::auth::ABSOLUTE_SECS,
            registry_import_max_bytes: crate::domain::registry::WEB_IMPORT_MAX_BYTES,
        }
    }
}

/// The policy of the current request's server (the defaults outside a request).
pub fn policy() -> std::sync::Arc<Policy> {
    leptos::prelude::use_context::<AppState>().map(|s| s.policy).unwrap_or_default()
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
