//! Server-only code: application state, database access, demo data, the audit trail.

pub mod audit;
pub mod auth;
pub mod db;
pub mod demo;
pub mod demo_2022;
pub mod demo_scale;
pub mod headers;
pub mod live;
pub mod plan_sheet;
pub mod registry_edit;
pub mod registry_import;
pub mod settings;
pub mod table_file;
pub mod xlsx_read;

use leptos::prelude::LeptosOptions;
use sqlx::AnyPool;

/// Shared state of the running server, provided to every server function as context.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: AnyPool,
    /// Ceremony states, broadcast to observers' live streams.
    pub live: live::Hub,
    /// The published results the portal searches, held in memory.
    pub results: crate::portal::search::ResultsCache,
    /// The site's configured address and trusted proxies.
    pub settings: std::sync::Arc<settings::Settings>,
}

/// The live hub of the current request's server.
pub fn hub() -> Result<live::Hub, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.live)
        .ok_or_else(|| crate::error::AppError::internal("AppState missing from context"))
}

/// The network settings of the current request's server.
pub fn settings() -> Result<std::sync::Arc<settings::Settings>, crate::error::AppError> {
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

/// Who made a change: account name and role code, as the audit log and the
/// workflow's events record them.
#[derive(Clone, Copy, Debug)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub role: &'a str,
}

/// Now, in Unix seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Today's date (UTC+8, the bureau's time zone) as `YYYY-MM-DD`.
pub fn today() -> String {
    format_utc(now_unix() + 8 * 3600)[..10].to_string()
}

/// Now, as RFC 3339 UTC text with seconds (what every `*_at` column stores).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_utc(secs)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::domain::workday::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_utc(1_677_628_800), "2023-03-01T00:00:00Z");
        assert_eq!(super::format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }
}
